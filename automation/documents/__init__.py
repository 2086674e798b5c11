"""Word documents per school: the veiligheidsplan and its twelve annexes (DOMAIN.md §8).

Layers: `catalog` (which documents), `context` (the data for the templates, from the board's
facts that `checks.board` gathers; pure), `charts` (pictures), `render` (docxtpl, strict), `lint`
(the template check), `writer` + `texts` + `build_templates` (the product's templates), `generate`
(files per school), `pdf` (LibreOffice), `refresh` (the watcher's debounced regeneration).
"""
