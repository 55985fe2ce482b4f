"""Developer tools (not shipped in the package): screenshots for the README."""
