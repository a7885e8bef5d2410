enum DNAPlaceholder {}
