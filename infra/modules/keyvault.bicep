// Key Vault, used only for the bot's client secret (the one credential a managed identity cannot replace).
param location string
param tags object
param name string
@secure()
@description('Client secret of the bot app registration')
param botAppSecret string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    publicNetworkAccess: 'Enabled'
  }
}

resource botSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: 'bot-app-secret'
  properties: {
    value: botAppSecret
    contentType: 'Entra client secret of the WeGrow bot app registration'
  }
}

output name string = vault.name
output botSecretUri string = botSecret.properties.secretUri
