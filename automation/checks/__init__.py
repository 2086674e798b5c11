"""Pure rules over stored data: the board's facts (board.py), open actions, milestones, the monitor
check and the Vensters text. No files, no clock: 'today' is passed in."""
