// Keeps the analysis library non-empty before its first source exists.
