"""What people see of the findings: the text tree, pictures, notebook widgets, the JSON writer."""
