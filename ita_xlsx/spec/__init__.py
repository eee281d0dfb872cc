"""What the workbook is: the template, the ITA framework, the organisation list, settings."""
