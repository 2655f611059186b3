#!/bin/sh
# azd postprovision hook (azure.yaml): runs after every `azd provision` / `azd up`, with the azd environment
# (Bicep outputs included) in its environment. Any failure stops azd.
set -eu

# 1. Key Vault references are resolved when the app starts. On a first deployment the app can start before its
#    identity's Key Vault role assignment has propagated, and the references then stay unresolved until the next
#    restart. Restart now, after the role assignments exist.
az functionapp restart --resource-group "$AZURE_RESOURCE_GROUP" --name "$AZURE_FUNCTION_APP_NAME"

# 2. Refuse to finish until the application access policy scopes calendar and mailbox access to the pilot group.
PYTHON=python3
if [ -x .venv/bin/python ]; then PYTHON=.venv/bin/python; fi
"$PYTHON" infra/scripts/check_access_scope.py
