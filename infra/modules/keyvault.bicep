// Key Vault for the app's few secrets (never a bot or Graph credential: the managed identity needs none).
// Purge protection is on, and public network access is off: the app reaches the vault through its private
// endpoint (modules/network.bicep); ARM still writes secrets, as a control-plane operation.
param location string
param tags object
param name string
@description('Tenant of the vault: the deployment (Azure) tenant')
param tenantId string = tenant().tenantId
@allowed(['Enabled', 'Disabled'])
@description('Disabled by default; Enabled only for a deployment without the private network')
param publicNetworkAccess string = 'Disabled'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    enablePurgeProtection: true
    publicNetworkAccess: publicNetworkAccess
    networkAcls: { defaultAction: 'Deny', bypass: 'None' }
  }
}

output id string = vault.id
output name string = vault.name
output uri string = vault.properties.vaultUri
