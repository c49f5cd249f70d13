"""Field activity: the mediators' work that belongs to no case (presence rounds, phone
campaigns, reception desks, schools, technical watch, partner meetings)."""
