package skyflow_test

import (
	"errors"
	"fmt"

	"github.com/skyflowgo/skyflow"
)

func ExampleAPIError() {
	err := fmt.Errorf("loading card: %w", &skyflow.APIError{
		StatusCode: 404, HTTPStatus: "Not Found", Message: "no records found", RequestID: "req-123", Operation: "Get",
	})
	var apiErr *skyflow.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.RequestID)
	}
	fmt.Println(errors.Is(err, skyflow.ErrNotFound))
	fmt.Println(err)
	// Output:
	// 404 req-123
	// true
	// loading card: skyflow: Get: 404 Not Found: no records found (request id req-123)
}

func ExampleIsRetryable() {
	fmt.Println(skyflow.IsRetryable(&skyflow.APIError{StatusCode: 503}))
	fmt.Println(skyflow.IsRetryable(&skyflow.APIError{StatusCode: 400}))
	// Output:
	// true
	// false
}
