package facade

import gdetect "github.com/skyflowgo/skyflow/gen/detect"

// EntityType is a kind of sensitive entity Detect recognises, by its wire
// name (for example "ssn" or "credit_card"). The constants below list every
// value the API accepts; AllEntityTypes returns them as a slice.
type EntityType string

// The entity types, one per value of the API's entity enum. EntityAll
// stands for every type.
const (
	EntityAccountNumber               EntityType = "account_number"
	EntityAge                         EntityType = "age"
	EntityAll                         EntityType = "all"
	EntityBankAccount                 EntityType = "bank_account"
	EntityBloodType                   EntityType = "blood_type"
	EntityCondition                   EntityType = "condition"
	EntityCorporateAction             EntityType = "corporate_action"
	EntityCreditCard                  EntityType = "credit_card"
	EntityCreditCardExpiration        EntityType = "credit_card_expiration"
	EntityCVV                         EntityType = "cvv"
	EntityDate                        EntityType = "date"
	EntityDateInterval                EntityType = "date_interval"
	EntityDay                         EntityType = "day"
	EntityDOB                         EntityType = "dob"
	EntityDose                        EntityType = "dose"
	EntityDriverLicense               EntityType = "driver_license"
	EntityDrug                        EntityType = "drug"
	EntityDuration                    EntityType = "duration"
	EntityEffect                      EntityType = "effect"
	EntityEmailAddress                EntityType = "email_address"
	EntityEvent                       EntityType = "event"
	EntityFilename                    EntityType = "filename"
	EntityFinancialMetric             EntityType = "financial_metric"
	EntityGender                      EntityType = "gender"
	EntityHealthcareNumber            EntityType = "healthcare_number"
	EntityInjury                      EntityType = "injury"
	EntityIPAddress                   EntityType = "ip_address"
	EntityLanguage                    EntityType = "language"
	EntityLocation                    EntityType = "location"
	EntityLocationAddress             EntityType = "location_address"
	EntityLocationAddressStreet       EntityType = "location_address_street"
	EntityLocationCity                EntityType = "location_city"
	EntityLocationCoordinate          EntityType = "location_coordinate"
	EntityLocationCountry             EntityType = "location_country"
	EntityLocationState               EntityType = "location_state"
	EntityLocationZip                 EntityType = "location_zip"
	EntityMaritalStatus               EntityType = "marital_status"
	EntityMedicalCode                 EntityType = "medical_code"
	EntityMedicalProcess              EntityType = "medical_process"
	EntityMoney                       EntityType = "money"
	EntityMonth                       EntityType = "month"
	EntityName                        EntityType = "name"
	EntityNameFamily                  EntityType = "name_family"
	EntityNameGiven                   EntityType = "name_given"
	EntityNameMedicalProfessional     EntityType = "name_medical_professional"
	EntityNumericalPII                EntityType = "numerical_pii"
	EntityOccupation                  EntityType = "occupation"
	EntityOrganization                EntityType = "organization"
	EntityOrganizationID              EntityType = "organization_id"
	EntityOrganizationMedicalFacility EntityType = "organization_medical_facility"
	EntityOrigin                      EntityType = "origin"
	EntityPassportNumber              EntityType = "passport_number"
	EntityPassword                    EntityType = "password"
	EntityPhoneNumber                 EntityType = "phone_number"
	EntityPhysicalAttribute           EntityType = "physical_attribute"
	EntityPoliticalAffiliation        EntityType = "political_affiliation"
	EntityProduct                     EntityType = "product"
	EntityProject                     EntityType = "project"
	EntityReligion                    EntityType = "religion"
	EntityRoutingNumber               EntityType = "routing_number"
	EntitySexuality                   EntityType = "sexuality"
	EntitySSN                         EntityType = "ssn"
	EntityStatistics                  EntityType = "statistics"
	EntityTime                        EntityType = "time"
	EntityTrend                       EntityType = "trend"
	EntityURL                         EntityType = "url"
	EntityUsername                    EntityType = "username"
	EntityVehicleID                   EntityType = "vehicle_id"
	EntityYear                        EntityType = "year"
	EntityZodiacSign                  EntityType = "zodiac_sign"
)

// allEntityTypes lists the constants above, in alphabetical order.
var allEntityTypes = [...]EntityType{
	EntityAccountNumber,
	EntityAge,
	EntityAll,
	EntityBankAccount,
	EntityBloodType,
	EntityCondition,
	EntityCorporateAction,
	EntityCreditCard,
	EntityCreditCardExpiration,
	EntityCVV,
	EntityDate,
	EntityDateInterval,
	EntityDay,
	EntityDOB,
	EntityDose,
	EntityDriverLicense,
	EntityDrug,
	EntityDuration,
	EntityEffect,
	EntityEmailAddress,
	EntityEvent,
	EntityFilename,
	EntityFinancialMetric,
	EntityGender,
	EntityHealthcareNumber,
	EntityInjury,
	EntityIPAddress,
	EntityLanguage,
	EntityLocation,
	EntityLocationAddress,
	EntityLocationAddressStreet,
	EntityLocationCity,
	EntityLocationCoordinate,
	EntityLocationCountry,
	EntityLocationState,
	EntityLocationZip,
	EntityMaritalStatus,
	EntityMedicalCode,
	EntityMedicalProcess,
	EntityMoney,
	EntityMonth,
	EntityName,
	EntityNameFamily,
	EntityNameGiven,
	EntityNameMedicalProfessional,
	EntityNumericalPII,
	EntityOccupation,
	EntityOrganization,
	EntityOrganizationID,
	EntityOrganizationMedicalFacility,
	EntityOrigin,
	EntityPassportNumber,
	EntityPassword,
	EntityPhoneNumber,
	EntityPhysicalAttribute,
	EntityPoliticalAffiliation,
	EntityProduct,
	EntityProject,
	EntityReligion,
	EntityRoutingNumber,
	EntitySexuality,
	EntitySSN,
	EntityStatistics,
	EntityTime,
	EntityTrend,
	EntityURL,
	EntityUsername,
	EntityVehicleID,
	EntityYear,
	EntityZodiacSign,
}

// AllEntityTypes returns every entity type the API accepts (a new slice on
// each call).
func AllEntityTypes() []EntityType {
	return append([]EntityType(nil), allEntityTypes[:]...)
}

// Valid reports whether e is one of the API's entity types.
func (e EntityType) Valid() bool { return gdetect.EntityType(e).Valid() }
