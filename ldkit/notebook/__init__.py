"""What runs in the kernel: the forms, results, record cards and the home panel."""
