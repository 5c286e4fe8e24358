// Package detectengine is the Detect engine of the Skyflow emulator: a small,
// deterministic, pure-Go stand-in for the Skyflow Detect service. The
// emulator's HTTP handlers call it to de-identify strings and files and to
// re-identify strings; it never touches the network.
//
// # Recognition
//
// [Engine.Recognise] finds entities with hand-written rules (regular
// expressions plus checks such as Luhn, SSN area numbers, octet ranges and
// calendar validity) and a small built-in list of common first and last names.
// Supported types are listed by [SupportedEntityTypes]; every value of the
// Detect EntityType enum ([EntityTypes]) is accepted in a request, and the
// unsupported ones simply find nothing. Overlapping candidates are resolved
// deterministically: the longest (in runes) wins, then the highest score,
// then the earliest start, then the entity type name in byte order.
//
// # Offsets
//
// All offsets are rune offsets (Unicode code points, not bytes or UTF-16
// units) with an exclusive end. An invalid UTF-8 byte counts as one rune, as
// in a Go range loop. Input offsets index the text given to the engine;
// processed offsets index the de-identified text.
//
// # Tokens
//
// The token styles are those of the Detect TokenTypeMapping:
//
//   - entity_unq_counter (the default): "[" + upper-case entity type + "_" + n + "]",
//     for example [SSN_1] or [EMAIL_ADDRESS_2]. The counter n counts distinct
//     values per entity type within one call (one file for files): the same
//     value always gets the same counter.
//   - entity_only: "[" + upper-case entity type + "]", for example [SSN].
//   - vault_token: whatever [Options.VaultToken] returns for the value.
//
// A date whose type is listed in a shift_dates transformation is not
// tokenised: it is replaced by the shifted date written in its original layout.
//
// # Re-identification
//
// [ReidentifyText] finds bracket tokens and whitespace-delimited words in a
// text, asks a resolver what they stand for, and writes each resolved token
// back as plaintext, masked, or redacted. The redaction marker is the token
// itself: a redacted entity keeps the token that stands in the text. A
// [Registry] remembers, per vault, the counter and vault tokens each
// de-identify call produced so that a later re-identify call can resolve them.
//
// # Concurrency
//
// The package has no package-level mutable state. An [Engine] is immutable
// after [New] and safe for concurrent use; every call keeps its own counters.
// A [Registry] is safe for concurrent use.
//
// # Privacy
//
// Error texts never contain a value the caller supplied (text, entity values,
// regular expressions); they name fields and indexes instead.
package detectengine
