from care_service.cli import main

raise SystemExit(main())
