"""The teacher as stimulus: a guided capture of a volunteer's own faces into a stimulus set."""
