"""No models: the statistics are counted from the cases, referrals and assessments each time
they are read (``selectors``) and never stored, so there is no second copy to keep, cull or
leak. What is recorded is who read or exported which view (the audit log, ``services``)."""
