package mfahandler

// WithoutListReuse makes the My Account backend read the list afresh for every page, as the
// benchmarks' hand-written pages do.
func WithoutListReuse() Option { return func(o *options) { o.noListReuse = true } }
