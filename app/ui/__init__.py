"""The desktop window (Qt only): session, undo commands, item models, widgets and dialogs."""
