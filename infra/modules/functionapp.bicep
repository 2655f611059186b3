// The Function App on the Flex Consumption plan (Python 3.12), running as the one user-assigned identity.
// Runtime, scale and the deployment container live in functionAppConfig: Flex does not use the
// FUNCTIONS_WORKER_RUNTIME or WEBSITE_RUN_FROM_PACKAGE app settings.
param location string
param tags object
param planName string
param name string
param storageAccountName string
param blobEndpoint string
param deploymentContainerName string
@description('Resource id of the user-assigned identity (modules/identity.bicep)')
param identityId string
@description('Client id of that identity')
param identityClientId string
@description('Subnet for VNet integration (reaches the Key Vault private endpoint); empty = none')
param subnetId string = ''
@description('Upper bound for scale-out; Graph limits, not compute, set the pace')
param maximumInstanceCount int = 40
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048
@minValue(0)
@maxValue(10)
@description('Always-ready instances of the HTTP group: Teams time-boxes card-action replies, Flex cold starts take seconds')
param alwaysReadyHttpInstances int = 1

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: { tier: 'FlexConsumption', name: 'FC1' }
  properties: { reserved: true }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    virtualNetworkSubnetId: empty(subnetId) ? null : subnetId
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      vnetRouteAllEnabled: !empty(subnetId)
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: { type: 'UserAssignedIdentity', userAssignedIdentityResourceId: identityId }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        alwaysReady: alwaysReadyHttpInstances > 0 ? [{ name: 'http', instanceCount: alwaysReadyHttpInstances }] : []
      }
      runtime: { name: 'python', version: '3.12' }
    }
  }
}

// Host storage and telemetry through the identity: the host builds the blob and queue endpoints from the account
// name, and Application Insights (local auth off) takes an Entra token of the same identity.
var platformSettings = {
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=${identityClientId}'
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
output platformSettings object = platformSettings
