"""The consultation: the session a person or a bot drives, the planner that chooses questions, and the
reader of free-text replies."""
