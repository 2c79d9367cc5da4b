"""The parts every emulated exchange shares; nothing here knows an exchange by name."""
