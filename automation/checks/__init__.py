"""Pure rules over stored data: school years, open actions, milestones. No files, no clock."""
