import DNA
print("dna")
