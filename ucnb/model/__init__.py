"""What a bundle holds once read (results, columns), the findings, the process graph: the bottom layer."""
