// WeGrow on Azure: `azd up` deploys this at subscription scope into a new resource group.
// Real deployments: `az bicep build --file infra/main.bicep` checks it (tests parse it with tree-sitter-bicep).
targetScope = 'subscription'

@minLength(1)
@maxLength(40)
@description('azd environment name; names and tags every resource')
param environmentName string

@minLength(1)
@description('Azure region (one that offers Flex Consumption)')
param location string

@description('Microsoft 365 tenant (Graph, Teams activities); defaults to the deployment tenant')
param tenantId string = subscription().tenantId

@minValue(0)
@maxValue(10)
@description('Always-ready instances of the HTTP group (the bot endpoint): 0 saves cost, Teams may then time out')
param alwaysReadyHttpInstances int = 1

@description('Key Vault behind a private endpoint with public network access off (Flex VNet integration)')
param privateVault bool = true

// azd passes an empty string when WEGROW_TENANT_ID is unset: that also means the deployment tenant.
var m365TenantId = empty(tenantId) ? subscription().tenantId : tenantId

@minLength(36)
@maxLength(36)
@description('Teams app manifest id (GUID, as make package writes it); WeGrow looks up the org catalog id from it')
param teamsAppManifestId string

@description('Entra group id of the pilot population; empty = everyone in the company config scope')
param pilotGroupId string = ''

@description('Path of the company YAML inside the deployed app; empty = the bundled shared/data/company.yaml')
param companyConfigPath string = ''

@description('Comma-separated UPNs of the coach pool')
param coachPool string = ''

@description('Drive id (OneDrive or SharePoint library) of the HR folder')
param hrDriveId string = 'hr'

@description('Workbook path inside the HR drive')
param hrWorkbookPath string = 'WeGrow/hr-outcomes.xlsx'

@minValue(30)
@maxValue(3650)
param retentionDays int = 730

@minValue(1)
@maxValue(14)
param cardLeadDays int = 3

@minValue(14)
@maxValue(366)
param horizonDays int = 120

@description('NCRONTAB (6 fields, UTC) of the org sync timer (%WEGROW_SYNC_SCHEDULE%)')
param syncSchedule string = '0 0 2 * * *'

@description('NCRONTAB of the planning timer (%WEGROW_PLAN_SCHEDULE%)')
param planSchedule string = '0 30 2 * * *'

@description('NCRONTAB of the card fan-out timer (%WEGROW_CARDS_SCHEDULE%)')
param cardsSchedule string = '0 0 7 * * *'

@description('NCRONTAB of the outbox export sweep (%WEGROW_EXPORT_SCHEDULE%)')
param exportSchedule string = '0 */15 * * * *'

@description('Key Vault secret URI of a storage connection string; leave empty (identity-based storage, no keys)')
param storageConnectionSecretUri string = ''

var tags = { 'azd-env-name': environmentName, app: 'wegrow' }
var token = toLower(uniqueString(subscription().id, environmentName, location))

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-wegrow-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'id-wegrow-${token}'
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    location: location
    tags: tags
    logAnalyticsName: 'log-wegrow-${token}'
    appInsightsName: 'appi-wegrow-${token}'
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    location: location
    tags: tags
    name: take('stwegrow${token}', 24)
    deploymentContainerName: 'app-package'
  }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  scope: rg
  params: {
    location: location
    tags: tags
    name: take('kv-wegrow-${token}', 24)
    publicNetworkAccess: privateVault ? 'Disabled' : 'Enabled'
  }
}

module network 'modules/network.bicep' = if (privateVault) {
  name: 'network'
  scope: rg
  params: {
    location: location
    tags: tags
    name: 'vnet-wegrow-${token}'
    vaultId: vault.outputs.id
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: rg
  params: {
    location: location
    tags: tags
    planName: 'plan-wegrow-${token}'
    name: 'func-wegrow-${token}'
    storageAccountName: storage.outputs.name
    blobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: storage.outputs.deploymentContainerName
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    subnetId: privateVault ? network!.outputs.appSubnetId : ''
    alwaysReadyHttpInstances: alwaysReadyHttpInstances
  }
}

module roles 'modules/roles.bicep' = {
  name: 'roles'
  scope: rg
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    blobContainerNames: storage.outputs.blobContainerNames
    keyVaultName: vault.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
  }
}

module bot 'modules/bot.bicep' = {
  name: 'bot'
  scope: rg
  params: {
    tags: tags
    name: 'bot-wegrow-${token}'
    botAppId: identity.outputs.clientId
    identityId: identity.outputs.id
    identityTenantId: identity.outputs.tenantId
    endpointHost: functionApp.outputs.defaultHostName
  }
}

var storageConnectionReference = '@Microsoft.KeyVault(SecretUri=${storageConnectionSecretUri})'

// Every WEGROW_* setting shared/config.py reads (tests/unit/test_infra_settings.py checks both directions).
var wegrowSettings = {
  WEGROW_ENV: 'azure'
  WEGROW_GRAPH_BASE_URL: 'https://graph.microsoft.com/v1.0'
  WEGROW_STORAGE_ACCOUNT: storage.outputs.name
  WEGROW_TENANT_ID: m365TenantId
  // One identity, no secret: Graph, the bot and storage all sign in as the user-assigned identity.
  WEGROW_CLIENT_ID: identity.outputs.clientId
  WEGROW_MANAGED_IDENTITY_CLIENT_ID: identity.outputs.clientId
  WEGROW_BOT_APP_ID: identity.outputs.clientId
  WEGROW_BOT_AUTH: 'jwt'
  WEGROW_BOT_OPENID_METADATA_URL: 'https://login.botframework.com/v1/.well-known/openidconfiguration'
  WEGROW_BOT_TOKEN_ISSUER: 'https://api.botframework.com'
  WEGROW_CONNECTOR_URL: 'https://smba.trafficmanager.net/teams/'
  WEGROW_TEAMS_APP_ID: teamsAppManifestId
  WEGROW_COACH_POOL: coachPool
  WEGROW_HR_DRIVE_ID: hrDriveId
  WEGROW_HR_WORKBOOK_PATH: hrWorkbookPath
  WEGROW_RETENTION_DAYS: string(retentionDays)
  WEGROW_CARD_LEAD_DAYS: string(cardLeadDays)
  WEGROW_HORIZON_DAYS: string(horizonDays)
  WEGROW_SYNC_SCHEDULE: syncSchedule
  WEGROW_PLAN_SCHEDULE: planSchedule
  WEGROW_CARDS_SCHEDULE: cardsSchedule
  WEGROW_EXPORT_SCHEDULE: exportSchedule
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.connectionString
}

// Settings whose absence means something (everyone, the bundled file, managed identity): set only when given.
var optionalSettings = union(
  empty(pilotGroupId) ? {} : { WEGROW_PILOT_GROUP_ID: pilotGroupId },
  empty(companyConfigPath) ? {} : { WEGROW_COMPANY_CONFIG: companyConfigPath },
  empty(storageConnectionSecretUri) ? {} : { WEGROW_STORAGE_CONNECTION: storageConnectionReference }
)

module appSettings 'modules/appsettings.bicep' = {
  name: 'appsettings'
  scope: rg
  dependsOn: [roles]
  params: {
    functionAppName: functionApp.outputs.name
    settings: union(functionApp.outputs.platformSettings, wegrowSettings, optionalSettings)
  }
}

output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output WEGROW_BOT_ENDPOINT string = 'https://${functionApp.outputs.defaultHostName}/api/messages'
output WEGROW_VALID_DOMAIN string = functionApp.outputs.defaultHostName
output WEGROW_FUNCTION_PRINCIPAL_ID string = identity.outputs.principalId
output WEGROW_BOT_APP_ID string = identity.outputs.clientId
output WEGROW_IDENTITY_NAME string = identity.outputs.name
output WEGROW_TENANT_ID string = m365TenantId
output WEGROW_KEY_VAULT_NAME string = vault.outputs.name
output WEGROW_BOT_NAME string = bot.outputs.name
