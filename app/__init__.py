"""Mission Facts: structured, citable facts about international security missions."""
