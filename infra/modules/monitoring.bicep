// Log Analytics workspace, workspace-based Application Insights, and the WeGrow ops workbook.
param location string
param tags object
param logAnalyticsName string
param appInsightsName string
@description('Days Log Analytics keeps telemetry')
param retentionInDays int = 30

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: retentionInDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
    // Entra-only ingestion: the connection string alone cannot send telemetry; the app identity holds
    // Monitoring Metrics Publisher (roles.bicep) and the host reads APPLICATIONINSIGHTS_AUTHENTICATION_STRING.
    DisableLocalAuth: true
  }
}

// The template is authored in infra/workbooks/ and loaded at build time, so the deployed workbook is the reviewed file.
resource opsWorkbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, 'wegrow-ops-workbook')
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'WeGrow operations'
    category: 'workbook'
    sourceId: appInsights.id
    serializedData: loadTextContent('../workbooks/wegrow-ops.workbook.json')
  }
}

output appInsightsName string = appInsights.name
output connectionString string = appInsights.properties.ConnectionString
output workbookId string = opsWorkbook.id
