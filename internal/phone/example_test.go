package phone_test

import (
	"errors"
	"fmt"

	"github.com/selfmfa/selfmfa/internal/phone"
)

func ExampleNormalize() {
	for _, in := range []string{" +44 20 7946 0958 ", "+1 (415) 555-2671", "0044 20 7946 0958"} {
		e164, err := phone.Normalize(in)
		var perr *phone.Error
		if errors.As(err, &perr) {
			fmt.Println(perr.UserMessage())
			continue
		}
		fmt.Println(e164, phone.Mask(e164), phone.Last4(e164))
	}
	// Output:
	// +442079460958 XXXXXXXXX0958 0958
	// +14155552671 XXXXXXXX2671 2671
	// Start the number with + instead of 00, e.g. +44 20 7946 0958.
}
