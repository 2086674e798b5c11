"""Word documents per school: the veiligheidsplan and its twelve annexes (DOMAIN.md §8).

Layers: `catalog` (which documents), `facts` (reads the store), `context` (the data for the
templates, pure), `charts` (pictures), `render` (docxtpl, strict), `lint` (the template check),
`writer` + `texts` + `build_templates` (the product's templates), `generate` (files per school),
`pdf` (LibreOffice), `refresh` (the watcher's debounced regeneration).
"""
