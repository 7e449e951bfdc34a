"""E-mail: composing each agency's letter from templates, sending it, and the send log."""
