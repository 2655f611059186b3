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
@secure()
@description('HMAC key of privacy audit references (not a credential)')
param auditKey string
@secure()
@description('Key of the Graph subscriptions\' clientState (not a credential for any service)')
param notificationSecret string

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

resource auditKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'audit-key'
  properties: {
    value: auditKey
    contentType: 'HMAC-SHA256 key of WeGrow privacy audit references'
  }
}

resource notificationSecretSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'notification-secret'
  properties: {
    value: notificationSecret
    contentType: 'HMAC-SHA256 key of the clientState of WeGrow Graph subscriptions'
  }
}

output id string = vault.id
output name string = vault.name
output uri string = vault.properties.vaultUri
output auditKeySecretUri string = auditKeySecret.properties.secretUri
output notificationSecretUri string = notificationSecretSecret.properties.secretUri
