// The Function App's app settings, applied after the identity has its roles (Key Vault references resolve on start).
param functionAppName string
@description('Every setting, platform and WeGrow, as one object')
param settings object

resource site 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: settings
}
