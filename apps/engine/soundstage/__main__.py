from soundstage.cli import main

main()
