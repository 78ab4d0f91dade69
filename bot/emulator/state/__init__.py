"""What the emulated workspace holds: people, conversations, messages, views, files, ids."""
