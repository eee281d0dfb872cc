"""Documents people read, print and sign (.docx): organisations\x27 and the district\x27s."""
