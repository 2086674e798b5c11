"""The Dutch text of the templates, one function per document, written with `writer.Writer`."""
