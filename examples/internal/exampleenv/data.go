package exampleenv

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
)

// RunID is a random suffix that keeps the values an example writes unique,
// so examples can run repeatedly against a real vault (email is a unique
// column of the demo schema).
func RunID() string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Person returns one demo record for the records table: made-up card
// number, name, email (unique per run), SSN and date of birth.
func Person(name, runID string, n int) map[string]any {
	return map[string]any{
		"card_number":     testCards[n%len(testCards)],
		"cardholder_name": name,
		"email":           fmt.Sprintf("%s.%s.%d@example.com", lowerFirst(name), runID, n),
		"ssn":             fmt.Sprintf("123-45-%04d", 1000+n),
		"dob":             fmt.Sprintf("19%02d-0%d-1%d", 70+n%30, 1+n%9, n%10),
	}
}

// testCards are well-known test card numbers (they pass the Luhn check and
// belong to no one).
var testCards = []string{"4111111111111111", "5555555555554444", "378282246310005", "6011111111111117", "4012888888881881"}

func lowerFirst(name string) string {
	out := []byte{}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c >= 'A' && c <= 'Z':
			out = append(out, c+'a'-'A')
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		return "user"
	}
	return string(out)
}
