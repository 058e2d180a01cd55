"""The synthetic demo county: generate it, write its import files, load it into the app."""
