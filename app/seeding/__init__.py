"""Loading curated, cited facts from the seed files into the database."""
