"""Safety screen for clients' free text, and crisis resources by country.

Plain Python with no Django imports, so it can run anywhere a check-in answer is saved:

    from tend.safety.screening import screen
    from tend.safety.resources import resources_for

Word lists live in data/lexicon/<language>.toml and crisis lines in
data/crisis_resources.toml; both are data to maintain, not code.
"""
