import sys

from hub_app.cli import main

sys.exit(main())
