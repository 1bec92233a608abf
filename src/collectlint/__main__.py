from collectlint.cli import main

raise SystemExit(main())
