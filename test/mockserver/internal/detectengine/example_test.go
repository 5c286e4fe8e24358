package detectengine_test

import (
	"fmt"

	"github.com/skyflowgo/skyflow/test/mockserver/internal/detectengine"
)

// A de-identify call records its counter tokens per vault; a later
// re-identify call of that vault resolves them.
func Example() {
	eng := detectengine.New()
	var reg detectengine.Registry

	res, err := eng.DeidentifyText("Call John Smith at 415-555-1234, SSN 123-45-6789.", detectengine.Options{
		TokenType: detectengine.TokenType{EntityOnly: []string{"phone_number"}},
	})
	if err != nil {
		panic(err)
	}
	reg.Record("vault-1", res.Entities)
	fmt.Println(res.ProcessedText)
	for _, e := range res.Entities {
		fmt.Println(e.EntityType, e.Location.StartIndex, e.Location.EndIndex, e.Token)
	}

	fmt.Println(detectengine.ReidentifyText(res.ProcessedText, reg.Resolver("vault-1"),
		detectengine.Format{Masked: []string{"ssn"}}))
	// Output:
	// Call [NAME_1] at [PHONE_NUMBER], SSN [SSN_1].
	// name 5 15 [NAME_1]
	// phone_number 19 31 [PHONE_NUMBER]
	// ssn 37 48 [SSN_1]
	// Call John Smith at [PHONE_NUMBER], SSN *******6789.
}
