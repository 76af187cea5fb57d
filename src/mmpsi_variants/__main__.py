from mmpsi_variants.cli import main

main()
