package mockserver

import (
	"os"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// crash stops a store as a killed process would: the log is left as it
// is, nothing is checkpointed.
func crash(st *store) {
	_ = st.wal.Close()
	_ = st.db.Close()
}

// openManualStore opens the store of dir with its commit goroutine
// stopped: the test commits by hand (commitQueued).
func openManualStore(t *testing.T, dir string) *store {
	t.Helper()
	st, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	close(st.stop)
	<-st.done
	st.stop, st.done = make(chan struct{}), make(chan struct{})
	return st
}

func TestStoreReplaysTheLogAfterACrashAndDropsATornGroup(t *testing.T) {
	dir := t.TempDir()
	st := openManualStore(t, dir)

	put := func(key, val string) {
		st.enqueue([]change{{metaKey: key, metaValue: []byte(val)}})
		st.commitQueued()
	}
	put("a", "1")
	put("b", "2")
	put("a", "3") // a later value of the same key wins on replay
	// A group that was being written when the process died: torn.
	rec := encodeLogRecord([]op{{b1: string(bucketMeta), key: []byte("c"), val: []byte("4")}}, st.gen)
	if _, err := st.wal.WriteAt(rec[:len(rec)-3], walHeader+st.walBytes); err != nil {
		t.Fatal(err)
	}
	crash(st)

	st, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"a": "3", "b": "2"} {
		if got := string(st.meta(key)); got != want {
			t.Errorf("meta %s = %q, want %q", key, got, want)
		}
	}
	if got := st.meta("c"); got != nil {
		t.Errorf("the torn group was replayed: c = %q", got)
	}
	// The replayed log was checkpointed and emptied: a new generation
	// whose header is the only content that counts.
	data, err := os.ReadFile(filepath.Join(dir, walFile))
	if err != nil {
		t.Fatal(err)
	}
	if ops := decodeLog(data[walHeader:], st.gen); len(ops) != 0 {
		t.Errorf("the log still holds %d ops after recovery", len(ops))
	}
	st.close()
}

func TestStoreDoesNotReplayRecordsOfAnOlderGeneration(t *testing.T) {
	dir := t.TempDir()
	st, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.putMeta("k", []byte("old")); err != nil {
		t.Fatal(err)
	}
	st.close() // checkpoints "old", then a new generation starts
	// Overwrite the database value behind the log's back: a replay of the
	// older generation's record would bring "old" back.
	db, err := bolt.Open(filepath.Join(dir, dbFile), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put([]byte("k"), []byte("new")) }); err != nil {
		t.Fatal(err)
	}
	db.Close()
	st, err = openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	if got := string(st.meta("k")); got != "new" {
		t.Fatalf("meta k = %q: a checkpointed record of an older generation was replayed", got)
	}
}

func TestLogRecordsRoundTrip(t *testing.T) {
	ops := []op{
		{b1: "vault:v", b2: "table:t", key: []byte{0, 0, 0, 0, 0, 0, 0, 7}, val: []byte(`{"id":"x"}`)},
		{b1: "vault:v", b2: "table:t", key: []byte{0, 0, 0, 0, 0, 0, 0, 8}, del: true},
		{b1: "meta", key: []byte("api_key"), val: []byte{}},
	}
	data := append(encodeLogRecord(ops[:2], 5), encodeLogRecord(ops[2:], 5)...)
	got := decodeLog(data, 5)
	if len(got) != 3 || string(got[0].val) != `{"id":"x"}` || !got[1].del || got[2].b2 != "" || string(got[2].key) != "api_key" {
		t.Fatalf("decoded %+v", got)
	}
	data[len(data)-1] ^= 0xff // corrupt the second record
	if got := decodeLog(data, 5); len(got) != 2 {
		t.Fatalf("a corrupt record was decoded: %d ops", len(got))
	}
}

// Changes queued with enqueueLater are committed with the next
// acknowledged group: once that group is durable, a crash keeps them.
func TestLaterChangesCommitWithTheNextGroup(t *testing.T) {
	dir := t.TempDir()
	st := openManualStore(t, dir)

	st.enqueueLater([]change{{metaKey: "later", metaValue: []byte("1")}})
	done := st.enqueue([]change{{metaKey: "now", metaValue: []byte("2")}})
	st.commitQueued()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	crash(st)

	st, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	for key, want := range map[string]string{"later": "1", "now": "2"} {
		if got := string(st.meta(key)); got != want {
			t.Errorf("meta %s = %q after the crash, want %q", key, got, want)
		}
	}
}

// The start-up sweep deletes only the files no stored record refers to: a
// file of a table (or vault) the configuration no longer names is kept for
// when it comes back; a file no record refers to is removed.
func TestSweepKeepsTheFilesOfStoredRecords(t *testing.T) {
	dir := t.TempDir()
	st, err := openStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { st.close() }()
	rec := &record{id: "r1", files: map[string]*storedFile{"attachment": {id: "f-unconfigured", name: "a.pdf", size: 3}}}
	if err := <-st.enqueue([]change{{vault: "gone-vault", table: "documents", seq: 1, rec: rec}}); err != nil {
		t.Fatal(err)
	}
	st.close() // a restart: what the log held is in the database
	if st, err = openStore(dir); err != nil {
		t.Fatal(err)
	}
	keep := filepath.Join(dir, filesDir)
	for _, name := range []string{"f-unconfigured", "f-registered", "f-orphan"} {
		if err := os.WriteFile(filepath.Join(keep, name), []byte("abc"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	fs := &fileStore{keep: keep, byID: map[string]*fileEntry{"f-registered": {}}}
	stored, err := st.storedFileIDs()
	if err != nil {
		t.Fatal(err)
	}
	fs.sweep(stored)
	for name, want := range map[string]bool{"f-unconfigured": true, "f-registered": true, "f-orphan": false} {
		_, err := os.Stat(filepath.Join(keep, name))
		if got := err == nil; got != want {
			t.Errorf("%s kept = %v, want %v", name, got, want)
		}
	}
}
