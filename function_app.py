"""The one Azure Functions entry point (Python v2 programming model).

It only registers one blueprint per capability from ``functions/``. Nothing here does I/O or
builds a client: the triggers reach adapters through ``shared.container`` on first call.
"""

import azure.functions as func

from functions import BLUEPRINTS

app = func.FunctionApp(http_auth_level=func.AuthLevel.ANONYMOUS)
for blueprint in BLUEPRINTS:
    app.register_functions(blueprint)
