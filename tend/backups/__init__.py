"""`tend backup` and `tend restore`: a consistent copy of Tend's database, taken while Tend
runs, and bringing one back (the logic is plain Python in copies.py)."""
