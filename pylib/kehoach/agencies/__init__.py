"""The agency directory and resolving the names the plan uses to agencies."""
