// The one identity WeGrow runs as: a user-assigned managed identity, no client secret anywhere.
// The Azure Bot uses it directly (msaAppType 'UserAssignedMSI'), Graph uses it through azure-identity, and the
// Functions host uses it for storage, Key Vault references and Application Insights. It must be one identity:
// TeamsAppInstallation.ReadWriteSelfForUser.All lets an app install only itself (the app whose id is the
// manifest's webApplicationInfo.id and bot id), so a separate Graph identity would get 403 (docs/deploy.md).
param location string
param tags object
param name string

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
output tenantId string = identity.properties.tenantId
