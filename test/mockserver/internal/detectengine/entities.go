package detectengine

// The entity types the recogniser can find. Every other value of the Detect
// EntityType enum is accepted in requests and finds nothing.
// TypeRestricted is the entity type reported for text matched by a
// restrict_regex pattern (not one of the API's request entity values), and
// RestrictedToken the text that replaces it.
const (
	TypeRestricted  = "restricted"
	RestrictedToken = "[RESTRICTED]"
)

const (
	TypeSSN           = "ssn"
	TypeCreditCard    = "credit_card"
	TypeEmailAddress  = "email_address"
	TypePhoneNumber   = "phone_number"
	TypeDate          = "date"
	TypeDOB           = "dob"
	TypeIPAddress     = "ip_address"
	TypeURL           = "url"
	TypeName          = "name"
	TypeNameGiven     = "name_given"
	TypeNameFamily    = "name_family"
	TypeBankAccount   = "bank_account"
	TypeRoutingNumber = "routing_number"
	TypeLocationZip   = "location_zip"
	// TypeAll is the wildcard value of the enum: it stands for every type in
	// requested entity types, token style lists and format lists.
	TypeAll = "all"
	// TypeDateInterval is a shift_dates entity type; the recogniser does not
	// find date intervals.
	TypeDateInterval = "date_interval"
)

// EntityTypes returns the 70 values of the Detect EntityType enum, in the
// order of the OpenAPI spec. The slice is a fresh copy on every call.
func EntityTypes() []string {
	return []string{
		"age", "bank_account", "credit_card", "credit_card_expiration", "cvv",
		"date", "date_interval", "dob", "driver_license", "email_address",
		"healthcare_number", "ip_address", "location", "name", "numerical_pii",
		"phone_number", "ssn", "url", "vehicle_id", "medical_code",
		"name_family", "name_given", "account_number", "event", "filename",
		"gender", "language", "location_address", "location_city", "location_coordinate",
		"location_country", "location_state", "location_zip", "marital_status", "money",
		"name_medical_professional", "occupation", "organization", "organization_medical_facility", "origin",
		"passport_number", "password", "physical_attribute", "political_affiliation", "religion",
		"time", "username", "zodiac_sign", "blood_type", "condition",
		"dose", "drug", "injury", "medical_process", "statistics",
		"routing_number", "corporate_action", "financial_metric", "product", "trend",
		"duration", "location_address_street", "all", "sexuality", "effect",
		"project", "organization_id", "day", "month", "year",
	}
}

// IsEntityType reports whether s is a value of the Detect EntityType enum
// (case-sensitive, as on the wire).
func IsEntityType(s string) bool {
	for _, t := range EntityTypes() {
		if t == s {
			return true
		}
	}
	return false
}

// SupportedEntityTypes returns the entity types the recogniser can actually
// find, in a fixed order. The slice is a fresh copy on every call.
func SupportedEntityTypes() []string {
	return []string{
		TypeSSN, TypeCreditCard, TypeEmailAddress, TypePhoneNumber,
		TypeDate, TypeDOB, TypeIPAddress, TypeURL,
		TypeName, TypeNameGiven, TypeNameFamily,
		TypeBankAccount, TypeRoutingNumber, TypeLocationZip,
	}
}

// typeSet is a set of entity types; a nil set means "every type".
type typeSet map[string]bool

// has reports whether t is in the set, honouring the nil-means-all rule.
func (s typeSet) has(t string) bool {
	return s == nil || s[t]
}

// newTypeSet validates a list of entity types and returns it as a set. An
// empty list, or a list containing "all", yields nil (every type). field
// names the list in errors.
func newTypeSet(field string, types []string) (typeSet, error) {
	if len(types) == 0 {
		return nil, nil
	}
	set := typeSet{}
	all := false
	for i, t := range types {
		if !IsEntityType(t) {
			return nil, &OptionError{Field: field, Index: i, Reason: "not a Detect entity type"}
		}
		if t == TypeAll {
			all = true
		}
		set[t] = true
	}
	if all {
		return nil, nil
	}
	return set, nil
}

// listSet turns a list into a set without validation, for the lenient
// places (re-identify formats) where unknown values are ignored.
func listSet(types []string) map[string]bool {
	set := make(map[string]bool, len(types))
	for _, t := range types {
		set[t] = true
	}
	return set
}
