import sys

from simulators.serial_cli import main

sys.exit(main())
