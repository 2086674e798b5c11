"""Survey results: exports read with mapping profiles, typed-in results, and their aggregates."""
