"""Developer tooling outside the runtime package: the sample-corpus generator."""
